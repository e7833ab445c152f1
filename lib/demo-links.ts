// Links to every page of the demo that exists, built fresh (signed links expire).
import { config } from './config';

export interface DemoLink {
  label: string;
  url: string;
}

export async function demoLinks(): Promise<DemoLink[]> {
  const base = config.publicBaseUrl;
  return [{ label: '首页 Home', url: `${base}/` }];
}
