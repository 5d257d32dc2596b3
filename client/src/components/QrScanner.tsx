import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';

interface Detector {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}
declare const BarcodeDetector: { new (opts: { formats: string[] }): Detector } | undefined;

export const canScan = () => typeof BarcodeDetector !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;

/** Reads a pairing QR code with the camera where the browser has BarcodeDetector. */
export function QrScanner({ onResult, onClose }: { onResult: (text: string) => void; onClose: () => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stream: MediaStream | null = null;
    let stopped = false;
    const detector = new BarcodeDetector!({ formats: ['qr_code'] });
    const loop = async () => {
      if (stopped || !video.current) return;
      try {
        const codes = await detector.detect(video.current);
        const hit = codes.find((c) => c.rawValue.includes('#/pair/'));
        if (hit) return onResult(hit.rawValue);
      } catch {}
      setTimeout(() => void loop(), 250);
    };
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment' } })
      .then(async (s) => {
        stream = s;
        if (!video.current) return;
        video.current.srcObject = s;
        await video.current.play();
        void loop();
      })
      .catch(() => setError(t('pair.cameraDenied')));
    return () => {
      stopped = true;
      for (const track of stream?.getTracks() ?? []) track.stop();
    };
  }, []);

  return (
    <div class="scanner">
      <video ref={video} playsInline muted aria-label={t('pair.scan')} />
      {error && <p class="error">{error}</p>}
      <button type="button" class="btn" onClick={onClose}>
        {t('common.close')}
      </button>
    </div>
  );
}
