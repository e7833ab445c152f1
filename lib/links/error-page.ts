// The page a refused link gets: what went wrong in plain Chinese, what to do, a reference for the
// help desk — never which key, which patient or which value failed.
import type { RejectionReason } from './types';

const MESSAGES: Record<RejectionReason, { title: string; hint: string }> = {
  MISSING_PARAMETER: { title: '缺少参数', hint: '链接缺少必需的参数，请从 HIS 系统重新打开。' },
  MALFORMED_PARAMETER: { title: '参数格式错误', hint: '链接中的参数格式不正确，可能在复制时被截断或改动，请从 HIS 系统重新打开。' },
  BAD_SIGNATURE: { title: '签名无效', hint: '链接的签名校验未通过，可能已被修改。请从 HIS 系统重新打开，不要手工编辑链接。' },
  EXPIRED: { title: '链接已过期', hint: '链接已超过有效期，或调用方服务器时间不准确。请从 HIS 系统重新打开。' },
  ORG_UNAUTHORIZED: { title: '机构未授权', hint: '该医疗机构尚未开通本平台的调阅授权，请联系平台运维人员。' },
  ACCOUNT_UNAUTHORIZED: { title: '账号未授权', hint: '调阅账号（sev）无效或未授权，请联系平台运维人员。' },
  ACCESS_TOKEN_INVALID: { title: '访问令牌无效', hint: '访问令牌无效或已过期，请重新登录后再打开。' },
  REPLAYED: { title: '链接已使用', hint: '该链接只能使用一次，请从 HIS 系统重新打开以生成新链接。' },
  STRICT_REQUIRED: { title: '链接未完整签名', hint: '本机构要求链接对全部参数签名，请联系 HIS 厂商升级接口。' },
  PLAIN_QR_REFUSED: { title: '二维码无效', hint: '该二维码未加密检查号，无法查看。请使用医院新打印的报告单二维码。' },
  INCOMPLETE_TOKEN: { title: '令牌缺少必需字段', hint: '链接令牌缺少以下字段，请联系 HIS 厂商补全：' },
  NOT_FOUND: { title: '未找到检查资料', hint: '平台上没有与链接相符的患者或检查，可能尚未上传，请稍后再试。' },
};

export function refusalMessage(reason: RejectionReason) {
  return MESSAGES[reason];
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderRefusalPage(reason: RejectionReason, fields: string[], reference: string): string {
  const m = MESSAGES[reason];
  const list = fields.length ? `<p class="fields">${fields.map((f) => `<code>${escape(f)}</code>`).join(' ')}</p>` : '';
  return renderNoticePage(m.title, m.hint, `${list}<p class="ref">错误代码 ${escape(reason)} · 参考号 ${escape(reference)}</p>`);
}

/** A stand-alone error page (title, hint and trusted extra HTML) for answers that are not a React page. */
export function renderNoticePage(title: string, hint: string, extraHtml = ''): string {
  return `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · 影云</title><meta name="robots" content="noindex">
<style>body{margin:0;font-family:-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;background:#f5f7fa;color:#1f2933}
main{max-width:520px;margin:12vh auto;padding:28px 24px;background:#fff;border:1px solid #d9e2ec;border-radius:8px;text-align:center}
h1{font-size:1.4rem;color:#c62828;margin:0 0 12px}p{line-height:1.7;margin:8px 0}.ref{color:#7b8794;font-size:.85rem;margin-top:20px}
code{background:#f0f4f8;padding:1px 6px;border-radius:4px}</style></head>
<body><main role="alert"><h1>${escape(title)}</h1><p>${escape(hint)}</p>${extraHtml}</main></body></html>`;
}
