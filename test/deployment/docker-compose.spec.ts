import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { readLedgerConfig } from '../../libs/runtime/src/index.js';

/** No Docker engine runs here, so the production topology is checked as a document: what it declares. */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, { image?: string; build?: unknown; command?: string[]; environment?: Record<string, string>; ports?: string[]; depends_on?: Record<string, { condition: string }>; healthcheck?: { test: unknown }; volumes?: string[]; deploy?: { replicas?: number } }>;
  volumes: Record<string, unknown>;
};
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

describe('docker-compose.yml: the production-shaped topology', () => {
  it('has exactly KurrentDB, PostgreSQL, the api and the projector', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'kurrentdb', 'postgres', 'projector']);
  });

  it('runs the databases from images and builds the app from this repository', () => {
    expect(compose.services.kurrentdb?.image).toMatch(/kurrentdb/);
    expect(compose.services.postgres?.image).toMatch(/^postgres:\d+/);
    expect(compose.services.api?.build).toBe('.');
    expect(compose.services.projector?.build).toBe('.');
    expect(compose.services.api?.command).toEqual(['node', 'dist/apps/api/src/main.js']);
    expect(compose.services.projector?.command).toEqual(['node', 'dist/apps/projector/src/main.js']);
  });

  it('exposes the API and the databases on their usual ports', () => {
    expect(compose.services.api?.ports).toContain('4000:4000');
    expect(compose.services.kurrentdb?.ports).toContain('2113:2113');
    expect(compose.services.postgres?.ports).toContain('5432:5432');
  });

  it('points both app processes at KurrentDB for events and PostgreSQL for read models, with projections in the projector only', () => {
    for (const name of ['api', 'projector'] as const) {
      const environment = compose.services[name]?.environment ?? {};
      expect(environment.EVENT_STORE).toBe('kurrentdb');
      expect(environment.KURRENTDB_CONNECTION_STRING).toMatch(/^kurrentdb:\/\/kurrentdb:2113/);
      expect(environment.DATABASE_URL).toMatch(/@postgres:5432\/ledger$/);
    }
    expect(compose.services.api?.environment?.PROJECTIONS).toBe('off');
    expect(compose.services.projector?.deploy?.replicas).toBeGreaterThanOrEqual(2);
  });

  it('accepts its own environment: every app variable parses with readLedgerConfig', () => {
    for (const name of ['api', 'projector'] as const) {
      const environment = { ...compose.services[name]?.environment, LEDGER_API_KEY: 'x'.repeat(32) };
      const resolved = Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, String(value).replace(/\$\{[^}]+\}/g, 'secret')]));
      expect(() => readLedgerConfig(resolved)).not.toThrow();
    }
  });

  it('starts the app only after healthy databases, and health-checks every service', () => {
    for (const name of ['api', 'projector'] as const) {
      expect(compose.services[name]?.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, kurrentdb: { condition: 'service_healthy' } });
    }
    for (const name of ['kurrentdb', 'postgres', 'api'] as const) expect(compose.services[name]?.healthcheck?.test).toBeTruthy();
    expect(JSON.stringify(compose.services.api?.healthcheck?.test)).toContain('/health/ready');
    expect(dockerfile).toMatch(/HEALTHCHECK .*\/health\/live/);
  });

  it('keeps data in named volumes', () => {
    expect(Object.keys(compose.volumes).sort()).toEqual(['kurrentdb-data', 'postgres-data']);
    expect(compose.services.kurrentdb?.volumes?.[0]).toMatch(/^kurrentdb-data:/);
    expect(compose.services.postgres?.volumes?.[0]).toMatch(/^postgres-data:/);
  });

  it('bakes no secret into files or images: secrets come from the environment', () => {
    const text = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
    expect(text).not.toMatch(/^\s*\w*PASSWORD:\s*[^$\s]/m);
    expect(text).not.toMatch(/^\s*LEDGER_API_KEY:\s*[^$\s]/m);
    expect(text).toContain('${POSTGRES_PASSWORD:?');
    expect(text).toContain('${LEDGER_API_KEY:?');
    expect(dockerfile).not.toMatch(/ENV\s+(DATABASE_URL|LEDGER_API_KEY|POSTGRES_PASSWORD)/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(readFileSync(join(root, '.dockerignore'), 'utf8')).toMatch(/^\.ledger$/m);
  });
});
