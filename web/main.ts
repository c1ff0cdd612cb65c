// Page entry: registers the components and hands the one GPU context that <sam-gpu-status>
// acquires to every component that runs GPU work (undefined while none is usable). Exposes
// `window.samSde` for headless runs (`npx sam-sde headless`) to read the result out.
import './components/gpu-status.js';
import './components/rng-roundtrip.js';
import './components/app.js';
import './datasets.js';

const status = document.querySelector('sam-gpu-status');
const app = document.querySelector('sam-app');
const consumers = [...document.querySelectorAll('sam-rng-roundtrip')];

function share(): void {
  const ctx = status?.context;
  if (app) app.context = ctx;
  for (const consumer of consumers) consumer.context = ctx;
}

document.addEventListener('gpu-context-change', share);
// The status element may have finished acquiring before this listener existed.
share();

export interface SamSdeHook {
  /** The result on show, serialised exactly as the export button and the CLI write it. */
  resultJson(): string | undefined;
}

declare global {
  interface Window {
    samSde: SamSdeHook;
  }
}

window.samSde = { resultJson: () => app?.resultJson() };
