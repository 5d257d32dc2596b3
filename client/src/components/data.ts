/**
 * Marks user data and the agent's own English details (names, versions, event details) as not for
 * translation (the DOM property `translate = false` is the attribute translate="no"): browsers'
 * translators leave it alone, and the i18n test knows it is not UI text.
 */
export const DATA = { translate: false } as const;
