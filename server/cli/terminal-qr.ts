// The QR code's encoder and its terminal renderer only: the package's entry point also loads its
// PNG and SVG renderers (pngjs…), which a long-running `lifeline start` would then keep in memory.
// @ts-expect-error: qrcode's internal modules have no type declarations (the version is pinned).
import QRCodeCore from 'qrcode/lib/core/qrcode.js';
// @ts-expect-error: as above.
import TerminalSmall from 'qrcode/lib/renderer/terminal/terminal-small.js';

interface Renderer {
  render(qr: unknown, opts: { small: boolean }): string;
}

/** A QR code drawn with half blocks, small enough for an 80-column terminal. */
export async function terminalQr(text: string): Promise<string> {
  const qr = (QRCodeCore as { create(t: string, o: object): unknown }).create(text, {
    errorCorrectionLevel: 'M',
  });
  return (TerminalSmall as Renderer).render(qr, { small: true });
}
