import { chromium, type Browser } from 'playwright-core';

/** Chromium flags for headless software-WebGL runs on this kind of machine (see ../shared/TOOLCHAIN.md). */
export const CHROMIUM_ARGS = [
  '--disable-gpu',
  '--enable-unsafe-swiftshader',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--no-sandbox',
  // WebGPU on SwiftShader (CPU Vulkan) for the WebGPU flood engine's tests and bench (secure contexts only).
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
];

/** Path of Debian's Chromium (apt-get install -y chromium). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launches Debian's Chromium headless with the flags above. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}
