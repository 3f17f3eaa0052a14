/**
 * Where this app's own build serves the detector's files, for the page and the widget: the models under models/
 * beside the page (public/models), onnxruntime-web's files under ort/ at the build's base (vite.config.ts,
 * selfHostedOrt). The library itself reads no bundler globals (src/detector/env.ts); the app tells it.
 */
export function appAssets(): { modelsBaseUrl: string; ortBaseUrl: string } {
  return {
    modelsBaseUrl: new URL('./models/', document.baseURI).href,
    ortBaseUrl: new URL('ort/', new URL(import.meta.env.BASE_URL, document.baseURI)).href,
  };
}
