// The `host:` config key: where the host's /proc and /sys are, how often to sample, and the
// thresholds of each rule. Everything is optional; `host: {}` gives the defaults below, and a rule
// set to `false` is not judged.
import * as v from 'valibot';

/** Thresholds in percent; a rule alerts after `forSeconds` past `alert`, clears after `clearSeconds` past `clear`. */
export interface RuleSettings {
  alert: number;
  clear: number;
  forSeconds: number;
  clearSeconds: number;
}

export interface PressureRuleSettings extends RuleSettings {
  /** `some`: at least one task stalled; `full`: all non-idle tasks stalled at once. */
  line: 'some' | 'full';
}

export const RULE_DIRECTIONS = {
  memoryPressure: 'above',
  memoryAvailable: 'below',
  swapUsed: 'above',
  diskUsed: 'above',
  cpuPressure: 'above',
  ioPressure: 'above',
  containerMemory: 'above',
} as const;
export type RuleName = keyof typeof RULE_DIRECTIONS;

// Why these numbers: memory pressure of 10 % sustained for minutes is where a homelab host starts
// to stutter; `full` I/O stalls mean everything waits on the disk; CPU `some` pressure is common on
// a busy box, so it needs more and longer. A container at 90 % of its limit is close to being OOM-killed.
export const DEFAULT_RULES: {
  memoryPressure: PressureRuleSettings;
  memoryAvailable: RuleSettings;
  swapUsed: RuleSettings;
  diskUsed: RuleSettings;
  cpuPressure: PressureRuleSettings;
  ioPressure: PressureRuleSettings;
  containerMemory: RuleSettings;
} = {
  memoryPressure: { alert: 10, clear: 5, forSeconds: 120, clearSeconds: 60, line: 'some' },
  memoryAvailable: { alert: 10, clear: 15, forSeconds: 120, clearSeconds: 60 },
  swapUsed: { alert: 80, clear: 60, forSeconds: 120, clearSeconds: 60 },
  diskUsed: { alert: 90, clear: 85, forSeconds: 60, clearSeconds: 60 },
  cpuPressure: { alert: 50, clear: 25, forSeconds: 300, clearSeconds: 120, line: 'some' },
  ioPressure: { alert: 20, clear: 10, forSeconds: 120, clearSeconds: 60, line: 'full' },
  containerMemory: { alert: 90, clear: 80, forSeconds: 30, clearSeconds: 60 },
};

export interface HostSettings {
  root: string;
  intervalSeconds: number;
  windowMinutes: number;
  rules: {
    memoryPressure: PressureRuleSettings | false;
    memoryAvailable: RuleSettings | false;
    swapUsed: RuleSettings | false;
    diskUsed: (RuleSettings & { ignore: string[] }) | false;
    cpuPressure: PressureRuleSettings | false;
    ioPressure: PressureRuleSettings | false;
    containerMemory: RuleSettings | false;
  };
}

const percent = v.pipe(v.number(), v.minValue(0), v.maxValue(100));
const seconds = v.pipe(v.number(), v.minValue(0), v.maxValue(86_400));
const ruleEntries = {
  alert: v.optional(percent),
  clear: v.optional(percent),
  forSeconds: v.optional(seconds),
  clearSeconds: v.optional(seconds),
};
const line = v.optional(v.picklist(['some', 'full']));

function rule<T extends v.ObjectEntries>(name: RuleName, entries: T) {
  const direction = RULE_DIRECTIONS[name];
  const defaults: RuleSettings = DEFAULT_RULES[name];
  return v.optional(
    v.union([
      v.literal(false),
      v.pipe(
        v.strictObject(entries),
        v.check(
          (r) => {
            const x = r as { alert?: number; clear?: number };
            const alert = x.alert ?? defaults.alert;
            const clear = x.clear ?? defaults.clear;
            return direction === 'above' ? clear <= alert : clear >= alert;
          },
          `host.${name}: "clear" must be ${direction === 'above' ? 'at or below' : 'at or above'} "alert", or it would never clear`,
        ),
      ),
    ]),
  );
}

export const HostConfigSchema = v.strictObject({
  /** Where the host's root is mounted for the agent: `/` (default) or `/host` in Docker (docs/host.md). */
  root: v.optional(v.pipe(v.string(), v.startsWith('/'))),
  intervalSeconds: v.optional(v.pipe(v.number(), v.minValue(1), v.maxValue(3600))),
  /** How far back growth is measured ("grew 1.2 GB in 10 min"). */
  windowMinutes: v.optional(v.pipe(v.number(), v.minValue(1), v.maxValue(1440))),
  memoryPressure: rule('memoryPressure', { ...ruleEntries, line }),
  memoryAvailable: rule('memoryAvailable', ruleEntries),
  swapUsed: rule('swapUsed', ruleEntries),
  diskUsed: rule('diskUsed', { ...ruleEntries, ignore: v.optional(v.array(v.string())) }),
  cpuPressure: rule('cpuPressure', { ...ruleEntries, line }),
  ioPressure: rule('ioPressure', { ...ruleEntries, line }),
  containerMemory: rule('containerMemory', ruleEntries),
});
export type HostConfig = v.InferOutput<typeof HostConfigSchema>;

function merged<D extends object>(given: object | false | undefined, defaults: D): D | false {
  if (given === false) return false;
  return {
    ...defaults,
    ...Object.fromEntries(Object.entries(given ?? {}).filter(([, x]) => x !== undefined)),
  };
}

/** The settings in force: the given config over the defaults. */
export function hostSettings(config: HostConfig = {}): HostSettings {
  const c = config;
  return {
    root: c.root ?? '/',
    intervalSeconds: c.intervalSeconds ?? 10,
    windowMinutes: c.windowMinutes ?? 10,
    rules: {
      memoryPressure: merged(c.memoryPressure, DEFAULT_RULES.memoryPressure),
      memoryAvailable: merged(c.memoryAvailable, DEFAULT_RULES.memoryAvailable),
      swapUsed: merged(c.swapUsed, DEFAULT_RULES.swapUsed),
      diskUsed: merged(c.diskUsed, { ...DEFAULT_RULES.diskUsed, ignore: [] as string[] }),
      cpuPressure: merged(c.cpuPressure, DEFAULT_RULES.cpuPressure),
      ioPressure: merged(c.ioPressure, DEFAULT_RULES.ioPressure),
      containerMemory: merged(c.containerMemory, DEFAULT_RULES.containerMemory),
    },
  };
}
