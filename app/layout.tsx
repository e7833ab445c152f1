import type { Metadata, Viewport } from 'next';
import { connection } from 'next/server';
import './globals.css';

export const metadata: Metadata = {
  title: { default: '影云 · 区域医学影像云', template: '%s · 影云' },
  description: '影云：区域医学影像云平台 —— 检查检验结果调阅、重复检查提醒、检查结果互认、云胶片。',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page is rendered per request, error pages included: Next puts the request's CSP nonce
  // (proxy.ts) on its inline scripts only then.
  await connection();
  return (
    <html lang="zh-CN">
      <body>{children}</body>
    </html>
  );
}
