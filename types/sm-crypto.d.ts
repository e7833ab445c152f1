// The parts of sm-crypto (Chinese national algorithms SM2/SM3/SM4) we use; the package ships no types.
declare module 'sm-crypto' {
  type Sm4Options = { mode?: 'cbc' | 'ecb'; iv?: string; padding?: 'pkcs#7' | 'pkcs#5' | 'none'; output?: 'string' | 'array' };
  const smCrypto: { sm2: typeof sm2; sm3: typeof sm3; sm4: typeof sm4 };
  export default smCrypto;
  export const sm3: (msg: string | number[], options?: { key: string | number[] }) => string;
  export const sm4: {
    encrypt(input: string | number[], key: string, options?: Sm4Options): string;
    decrypt(input: string | number[], key: string, options?: Sm4Options): string;
  };
  export const sm2: {
    generateKeyPairHex(): { privateKey: string; publicKey: string };
    doEncrypt(msg: string, publicKey: string, cipherMode?: 0 | 1): string;
    doDecrypt(encryptData: string, privateKey: string, cipherMode?: 0 | 1, options?: { output?: 'string' | 'array' }): string;
  };
}
