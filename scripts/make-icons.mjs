#!/usr/bin/env node
// Renders the app icons (PNG, maskable, Apple touch icon, favicon.ico) from one SVG with Debian's
// Chromium. Run by hand when the icon changes; the outputs are committed.
import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const out = new URL('../client/public/', import.meta.url);
const pulse = (stroke) =>
  `<path d="M8 34h12l5-12 8 22 6-16 4 6h13" fill="none" stroke="#fff" stroke-width="${stroke}" stroke-linecap="round" stroke-linejoin="round"/>`;
// "any": rounded tile. "maskable": full bleed, the mark inside the 80 % safe zone.
const anySvg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#0f766e"/>${pulse(5)}</svg>`;
const maskSvg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="#0f766e"/><g transform="translate(12.8 12.8) scale(0.6)">${pulse(7)}</g></svg>`;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu'],
});
const page = await browser.newPage();
async function render(svg, size) {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(
    `<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`,
  );
  return page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
}
for (const size of [192, 512])
  writeFileSync(new URL(`icons/icon-${size}.png`, out), await render(anySvg, size));
for (const size of [192, 512])
  writeFileSync(new URL(`icons/maskable-${size}.png`, out), await render(maskSvg, size));
writeFileSync(new URL('icons/apple-touch-icon.png', out), await render(maskSvg, 180));
// favicon.ico holding one 32×32 PNG (ICO has allowed embedded PNG since Windows Vista).
const png = await render(anySvg, 32);
const header = Buffer.alloc(22);
header.writeUInt16LE(0, 0);
header.writeUInt16LE(1, 2);
header.writeUInt16LE(1, 4);
header.writeUInt8(32, 6);
header.writeUInt8(32, 7);
header.writeUInt16LE(1, 10);
header.writeUInt16LE(32, 12);
header.writeUInt32LE(png.length, 14);
header.writeUInt32LE(22, 18);
writeFileSync(new URL('favicon.ico', out), Buffer.concat([header, png]));
writeFileSync(
  new URL('favicon.svg', out),
  anySvg
    .replace('<svg ', '<svg role="img" aria-label="Lifeline" ')
    .replace('">', '"><title>Lifeline</title>'),
);
await browser.close();
console.log('icons written to client/public/');
