// MIoT property locations per plug model (siid/piid), from the models' published MIoT specs.
// A device timer is declared only where a spec documents an off→on countdown; none of the plugs
// below has one (chuangmi.plug.212a01's `imilab-timer:countdown` is an off-delay), so a lifeline
// miIO plug can be switched on but never power-cycled.
export interface MiotProp {
  siid: number;
  piid: number;
}

export interface MiotModel {
  switch: MiotProp;
  /** Power in W, and the factor that turns the raw value into W. */
  power?: MiotProp & { scale: number };
}

export const MIOT_MODELS: Record<string, MiotModel> = {
  'chuangmi.plug.212a01': { switch: { siid: 2, piid: 1 }, power: { siid: 5, piid: 6, scale: 1 } },
  'chuangmi.plug.hmi208': { switch: { siid: 2, piid: 1 } },
  'cuco.plug.cp1': { switch: { siid: 2, piid: 1 } },
  'cuco.plug.cp2': { switch: { siid: 2, piid: 1 }, power: { siid: 3, piid: 2, scale: 1 } },
  'cuco.plug.cp2a': { switch: { siid: 2, piid: 1 } },
  'cuco.plug.v2eur': { switch: { siid: 2, piid: 1 }, power: { siid: 11, piid: 2, scale: 1 } },
  'cuco.plug.v3': { switch: { siid: 2, piid: 1 }, power: { siid: 11, piid: 2, scale: 1 } },
};

/** Unknown models: the switch where every MIoT outlet spec puts it, nothing else assumed. */
export const GENERIC_MIOT: MiotModel = { switch: { siid: 2, piid: 1 } };

export const miotModel = (model: string | undefined): MiotModel =>
  (model ? MIOT_MODELS[model] : undefined) ?? GENERIC_MIOT;
