export const REPO: string;
export const BETTER_SQLITE3: string;
export const NPM_ADDON: string;
export function abiAddon(modules?: string): string;
export function addonForThisNode(): string;
