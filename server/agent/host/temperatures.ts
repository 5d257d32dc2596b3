// Temperatures the host exposes: thermal zones (SoCs, ACPI) and hwmon sensors (CPU packages, disks,
// NVMe). Most VMs expose none; an empty list then means "not available".
import type { HostFiles } from '../host-files.js';

export interface Temperature {
  /** `thermal_zone0` or `hwmon1/temp2`: stable across readings, for history. */
  sensor: string;
  /** What the kernel calls it: `x86_pkg_temp`, `coretemp Package id 0`, `nvme Composite`. */
  label: string;
  celsius: number;
}

const MAX_SENSORS = 32;

/** Millidegrees in the file; a reading outside what hardware reports is a broken sensor. */
function celsius(text: string | null): number | null {
  if (text === null) return null;
  const milli = Number(text.trim());
  if (!Number.isFinite(milli) || text.trim() === '') return null;
  const c = milli / 1000;
  return c > -60 && c < 200 ? Math.round(c * 10) / 10 : null;
}

const byNumber = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

export function readTemperatures(files: HostFiles): Temperature[] {
  const out: Temperature[] = [];
  for (const zone of (files.list('/sys/class/thermal') ?? [])
    .filter((z) => z.startsWith('thermal_zone'))
    .sort(byNumber)) {
    const c = celsius(files.text(`/sys/class/thermal/${zone}/temp`));
    if (c === null) continue;
    out.push({
      sensor: zone,
      label: files.text(`/sys/class/thermal/${zone}/type`)?.trim() || zone,
      celsius: c,
    });
  }
  for (const hw of (files.list('/sys/class/hwmon') ?? []).sort(byNumber)) {
    const dir = `/sys/class/hwmon/${hw}`;
    const inputs = (files.list(dir) ?? []).filter((f) => /^temp\d+_input$/.test(f)).sort(byNumber);
    if (inputs.length === 0) continue;
    const chip = files.text(`${dir}/name`)?.trim() || hw;
    for (const input of inputs) {
      const c = celsius(files.text(`${dir}/${input}`));
      if (c === null) continue;
      const n = input.replace('_input', '');
      const label = files.text(`${dir}/${n}_label`)?.trim();
      out.push({ sensor: `${hw}/${n}`, label: label ? `${chip} ${label}` : chip, celsius: c });
    }
  }
  return out.slice(0, MAX_SENSORS);
}
