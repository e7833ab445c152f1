import { describe, expect, it } from 'vitest';
import { parseLenientJson } from './lenient-json';

describe('lenient JSON (the specs\' own examples)', () => {
  it('reads seed 000\'s saveReminderCallRecord example: missing comma', () => {
    const body = `{
"token":"Ao232223Jusadjsadase",
"hospitalCode": "SAF2313",
"examId": "101252655601",
"retrivaType": "1"
"retrivalTime": "2022-11-14 15:05:05"
}`;
    expect(parseLenientJson(body)).toMatchObject({ hospitalCode: 'SAF2313', retrivaType: '1', retrivalTime: '2022-11-14 15:05:05' });
  });

  it('reads full-width colons and padded keys, and leaves colons inside strings alone', () => {
    const body = `{ "searchType ": "1", "checkStartTime"："2022-03-18 17:00:00"， " reportDocName ": "李**" }`;
    expect(parseLenientJson(body)).toEqual({ searchType: '1', checkStartTime: '2022-03-18 17:00:00', reportDocName: '李**' });
  });

  it('repairs a missing comma after CRLF and blanks; keeps full-width punctuation and escaped quotes inside strings', () => {
    expect(parseLenientJson('{"a": "1"  \r\n  "b"： "x，y：\\"z\\""}')).toEqual({ a: '1', b: 'x，y："z"' });
  });

  // A megabyte (the JSON body cap) of what makes a backtracking repair quadratic: minutes if it is, milliseconds if not.
  it('stays linear on a megabyte of line feeds, blanks or full-width commas', () => {
    const mb = 1024 * 1024;
    for (const body of [`{"a":1${'\n'.repeat(mb)}x`, `{"a":"b"${' '.repeat(mb / 2)}\n${' '.repeat(mb / 2)}x`, `{"a"：${'，'.repeat(mb / 3)}`]) {
      expect(() => parseLenientJson(body)).toThrow(SyntaxError);
    }
  });

  it('still refuses what is not JSON', () => {
    expect(() => parseLenientJson('{"a": }')).toThrow();
    expect(() => parseLenientJson('hello')).toThrow();
  });
});
