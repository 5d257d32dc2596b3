/// <reference types="vite/client" />

/** The build stamp injected by vite.config.ts. */
declare const __LIFELINE_BUILD__: string;
