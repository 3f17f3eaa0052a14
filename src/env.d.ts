/// <reference types="vite-plugin-pwa/vanillajs" />

/** The deploy's version (APP_VERSION at build time, else package.json's); it names the service worker caches. */
declare const __APP_VERSION__: string;
