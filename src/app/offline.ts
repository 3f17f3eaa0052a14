/**
 * The page's side of offline use: registers the service worker (built by vite-plugin-pwa / Workbox), offers a
 * reload when a new deploy is waiting instead of forcing one, and offers installation where the browser allows.
 */
import { registerSW } from 'virtual:pwa-register';
import './offline.css';

interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
}

function banner(id: string, text: string, actions: Array<{ label: string; className: string; onClick: () => void }>): HTMLElement {
  document.getElementById(id)?.remove();
  const element = document.createElement('div');
  element.id = id;
  element.className = 'app-banner';
  element.setAttribute('role', 'status');
  const message = document.createElement('p');
  message.textContent = text;
  element.append(message);
  for (const action of actions) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = action.className;
    button.textContent = action.label;
    button.addEventListener('click', action.onClick);
    element.append(button);
  }
  document.body.prepend(element);
  return element;
}

export function setUpOffline(): void {
  if (!('serviceWorker' in navigator)) return;
  const updateServiceWorker = registerSW({
    onNeedRefresh() {
      // The new version's files are already cached; it takes over (and drops the old caches) on reload.
      const update = banner('update-banner', 'A new version of the detector is ready.', [
        { label: 'Reload', className: 'primary', onClick: () => void updateServiceWorker(true) },
        { label: 'Later', className: 'secondary', onClick: () => update.remove() },
      ]);
    },
    onOfflineReady() {
      document.body.dataset.offlineReady = 'true';
      const ready = banner('offline-banner', 'Saved for offline use: after the models have loaded once, this page works without a network.', [
        { label: 'OK', className: 'secondary', onClick: () => ready.remove() },
      ]);
    },
    onRegisterError(error: unknown) {
      // Service workers can be unavailable (private modes, some policies); the page itself still works online.
      console.warn('service worker registration failed', error);
    },
  });

  window.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    const install = banner('install-banner', 'Install the detector as an app on this device?', [
      {
        label: 'Install',
        className: 'primary',
        onClick: () => {
          install.remove();
          void (event as BeforeInstallPromptEvent).prompt();
        },
      },
      { label: 'Not now', className: 'secondary', onClick: () => install.remove() },
    ]);
  });
}
