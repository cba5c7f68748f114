import { validationFailed } from '../common/validation.js';

/**
 * Time zones and locales are checked by the runtime's own Intl data (ICU), the same data that later computes dates
 * in the zone and formats amounts in the locale, so a value accepted here is one that Intl can use.
 */

/** Longest IANA zone name is about 30 characters ("America/Argentina/ComodRivadavia"); the bound stops abuse. */
const timeZoneLengthMax = 64;
/** BCP-47 tags used for formatting are short ("de-CH", "zh-Hant-TW"); extensions rarely pass 35 characters. */
const localeLengthMax = 64;

const knownTimeZonesMax = 1_024;
const knownTimeZones = new Set<string>();

/**
 * True for an IANA time zone the runtime knows ("Europe/Paris", "UTC"). `Intl.DateTimeFormat` throws a RangeError
 * for an unknown zone; offsets such as "+05:30" are rejected by the Node versions this project runs on.
 */
export function isTimeZone(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > timeZoneLengthMax) return false;
  // Building a formatter costs about half a millisecond, and every command checks its tenant's zone: the zones
  // already accepted are remembered (a tenant base uses few; the set is cleared when it reaches its bound).
  if (knownTimeZones.has(value)) return true;
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: value });
    if (knownTimeZones.size >= knownTimeZonesMax) knownTimeZones.clear();
    knownTimeZones.add(value);
    return true;
  } catch (error) {
    if (error instanceof RangeError) return false;
    throw error;
  }
}

export function requireTimeZone(value: unknown, field: string): string {
  if (!isTimeZone(value)) {
    throw validationFailed(`${field} must be an IANA time zone such as "Europe/Paris" or "UTC" (got ${describeShort(value)})`, { field });
  }
  return value;
}

/**
 * The canonical form of a BCP-47 language tag ("en-us" -> "en-US"), or null when `Intl.getCanonicalLocales`
 * rejects it (it throws a RangeError for "en_US", "" and other malformed tags).
 */
export function canonicalLocaleOf(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > localeLengthMax) return null;
  try {
    const [canonical] = Intl.getCanonicalLocales(value);
    return canonical ?? null;
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
}

/** True for a BCP-47 tag written in its canonical form ("en-US", not "en-us"), so one locale has one spelling. */
export function isLocale(value: unknown): value is string {
  return typeof value === 'string' && canonicalLocaleOf(value) === value;
}

export function requireLocale(value: unknown, field: string): string {
  if (isLocale(value)) return value;
  const canonical = canonicalLocaleOf(value);
  const hint = canonical === null ? '' : `; write it as ${JSON.stringify(canonical)}`;
  throw validationFailed(`${field} must be a BCP-47 locale such as "en-US" or "de-DE" (got ${describeShort(value)})${hint}`, { field });
}

const shownLengthMax = 40;

/** A received value for a message: short strings quoted, long ones cut, anything else named by its type. */
export function describeShort(value: unknown): string {
  if (typeof value === 'string') {
    return value.length <= shownLengthMax ? JSON.stringify(value) : `${JSON.stringify(value.slice(0, shownLengthMax))}…`;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
