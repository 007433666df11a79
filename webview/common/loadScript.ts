/**
 * Loads a classic script (here: the one plotly.js file all views share, `dist/webview/plotly.min.js`) into
 * the page once. The notebook renderer needs it: VS Code imports the renderer module into the notebook's
 * output webview, where no page of ours can list the script first, as the panels' pages do.
 */
const loading = new Map<string, Promise<void>>();

export function loadScript(src: string): Promise<void> {
  let p = loading.get(src);
  if (!p) {
    p = new Promise<void>((resolve, reject) => {
      const script = document.createElement('script');
      // Under a nonce-based CSP (a test page, or a page that sets one) the script needs the page's nonce.
      const nonce = document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce;
      if (nonce) script.nonce = nonce;
      script.src = src;
      script.onload = () => resolve();
      script.onerror = () => reject(new Error(`cannot load ${src.split('/').pop()}`));
      document.head.append(script);
    });
    loading.set(src, p);
  }
  return p;
}
