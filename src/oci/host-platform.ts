// The platform of the machine we run on, in OCI's names (which are Go's GOOS and GOARCH), for
// `platform: auto`. Node names a few of them differently.
import type { Platform } from './descriptor.js';
import { canonicalPlatform } from './platform.js';

/** What Node tells about the machine; a parameter so the mapping is testable everywhere. */
export interface HostInfo {
  /** `process.platform` */
  platform: string;
  /** `process.arch` */
  arch: string;
  /** `process.config.variables.arm_version` (Node's build: 6 or 7 on 32-bit arm). */
  armVersion?: string | number;
}

const OS_NAMES: Record<string, string> = { win32: 'windows', sunos: 'solaris' };

const ARCH_NAMES: Record<string, string> = {
  x64: 'amd64',
  ia32: '386',
  mipsel: 'mipsle',
  mips64el: 'mips64le',
};

export function hostPlatform(host: HostInfo = currentHost()): Platform {
  const os = OS_NAMES[host.platform] ?? host.platform;
  let architecture = ARCH_NAMES[host.arch] ?? host.arch;
  // Node says ppc64 for little-endian Linux builds too (the only ones it ships for Linux).
  if (host.arch === 'ppc64' && host.platform === 'linux') architecture = 'ppc64le';
  let variant: string | undefined;
  if (architecture === 'arm64') variant = 'v8';
  if (architecture === 'arm' && /^\d+$/.test(String(host.armVersion ?? ''))) {
    variant = `v${String(host.armVersion)}`;
  }
  return canonicalPlatform({ os, architecture, ...(variant ? { variant } : {}) });
}

function currentHost(): HostInfo {
  const variables = process.config.variables as { arm_version?: string | number };
  return {
    platform: process.platform,
    arch: process.arch,
    ...(variables.arm_version === undefined ? {} : { armVersion: variables.arm_version }),
  };
}
