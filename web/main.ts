// Page entry: registers the components and hands the one GPU context that <sam-gpu-status>
// acquires to every component that runs GPU work (undefined while none is usable).
import './components/gpu-status.js';
import './components/rng-roundtrip.js';

const status = document.querySelector('sam-gpu-status');
const consumers = [...document.querySelectorAll('sam-rng-roundtrip')];

function share(): void {
  const ctx = status?.context;
  for (const consumer of consumers) consumer.context = ctx;
}

document.addEventListener('gpu-context-change', share);
// The status element may have finished acquiring before this listener existed.
share();
