import QRCode from 'qrcode';

/** A QR code drawn with half blocks, small enough for an 80-column terminal. */
export async function terminalQr(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'terminal', small: true, errorCorrectionLevel: 'M' });
}
