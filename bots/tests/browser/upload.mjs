// Drives pixdrop's upload page in headless Chromium the way a person would:
// pick a file, choose WebP, convert, then read the result card, follow the
// download link and save a screenshot. Prints one JSON line of findings.
// usage: node upload.mjs BASE_URL IMAGE_PATH SCREENSHOT_PATH
import { chromium } from "playwright-core";

const [base, image, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
try {
  const page = await browser.newPage();
  await page.goto(base + "/");
  const promise = await page.textContent(".promise");
  await page.setInputFiles("#file", image);
  await page.selectOption("#format", "webp");
  await page.click("#convert");
  await page.waitForSelector("#result.shown", { timeout: 20000 });
  const countdownStart = await page.textContent("#countdown");
  await page.waitForTimeout(1500);
  const countdownLater = await page.textContent("#countdown");
  const facts = {
    format: await page.textContent("#out-format"),
    size: await page.textContent("#out-size"),
    dims: await page.textContent("#out-dims"),
  };
  const href = await page.getAttribute("#download", "href");
  const download = await page.evaluate(async (url) => {
    const response = await fetch(url);
    const bytes = new Uint8Array(await response.arrayBuffer());
    return {
      status: response.status,
      type: response.headers.get("content-type"),
      disposition: response.headers.get("content-disposition"),
      magic: String.fromCharCode(...bytes.slice(8, 12)),
    };
  }, href);
  const previewLoaded = await page.$eval("#preview", (img) => img.complete && img.naturalWidth > 0);
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify({ promise, countdownStart, countdownLater, facts, download, previewLoaded }));
} finally {
  await browser.close();
}
