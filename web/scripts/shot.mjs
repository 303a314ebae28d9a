// Dev helper: screenshot a URL in headless Chromium. node scripts/shot.mjs URL OUT.png [width height]
import { chromium } from 'playwright-core'
const [url, out, w = '1440', h = '900'] = process.argv.slice(2)
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
})
const page = await browser.newPage({ viewport: { width: Number(w), height: Number(h) } })
page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log('console:', m.type(), m.text()) })
page.on('pageerror', (e) => console.log('pageerror:', e.message))
await page.goto(url)
await page.waitForTimeout(Number(process.env.WAIT ?? 1500))
await page.screenshot({ path: out })
console.log('url now', page.url())
await browser.close()
