// Styles shared by the result views: section heading, hint line and a row of labelled controls.
import { css } from 'lit';

export const viewStyles = css`
  :host { display: block; }
  section { display: grid; gap: 0.5rem; }
  h2 { font-size: 1.05rem; margin: 0; }
  .hint { margin: 0; color: #57606a; font-size: 0.85rem; }
  .controls { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: end; font-size: 0.85rem; }
  .controls label { display: flex; flex-direction: column; gap: 0.15rem; color: #3d444d; }
  .controls label.check { flex-direction: row; align-items: center; gap: 0.35rem; }
  select, input { font: inherit; padding: 0.2rem 0.3rem; border: 1px solid #8c959f; border-radius: 4px; background: #fff; }
  select:focus-visible, input:focus-visible { outline: 3px solid #80b3ff; outline-offset: 1px; }
  table { border-collapse: collapse; font-size: 0.85rem; font-variant-numeric: tabular-nums; }
  th, td { text-align: left; padding: 0.2rem 0.8rem 0.2rem 0; border-bottom: 1px solid #d8dee4; }
  th { color: #3d444d; font-weight: 600; }
  .warn { color: #9a6700; }
  details.help { font-size: 0.85rem; }
  details.help summary { cursor: pointer; color: #0969da; }
  details.help p { margin: 0.3rem 0 0; }
  .flag { color: #a40e26; }
`;
