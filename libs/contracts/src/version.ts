/** The platform's release, reported by every service's /readyz and by `keel status` (checked against package.json). */
export const KEEL_VERSION = '0.1.0';
