// Helpers for the SASL and TLS integration tests: the authenticated listeners that
// scripts/services/kafka adds to the test broker.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { KafkaConfig } from 'kafkajs';
import { probeListener } from './broker.js';

const SERVICE_SCRIPT = fileURLToPath(new URL('../../../../scripts/services/kafka', import.meta.url));

const HOW_TO_START =
  'run `scripts/services/kafka start` (from the repository root; it restarts a broker started by an older version of the script with the SASL and SSL listeners) and run the tests again';

/** The host of every listener; the ports follow the script's `KAFKA_*_PORT` variables. */
const HOST = '127.0.0.1';

function port(variable: string, fallback: number): number {
  const value = process.env[variable];
  return value === undefined || value === '' ? fallback : Number(value);
}

/** Bootstrap brokers of each authenticated listener. */
export const LISTENERS = {
  saslPlaintext: [`${HOST}:${port('KAFKA_SASL_PORT', 9094)}`],
  ssl: [`${HOST}:${port('KAFKA_SSL_PORT', 9095)}`],
  saslSsl: [`${HOST}:${port('KAFKA_SASL_SSL_PORT', 9096)}`],
} as const;

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

/**
 * The test-only user of the loopback test broker; scripts/services/kafka creates it with the
 * same passwords (change both together). Each mechanism has its own password, so a round trip
 * proves the broker checked the credential of that mechanism.
 */
export const TEST_USER = 'connectorkit';
export const TEST_PASSWORDS: Readonly<Record<SaslMechanism, string>> = {
  plain: 'ck-test-plain-password',
  'scram-sha-256': 'ck-test-scram-256-password',
  'scram-sha-512': 'ck-test-scram-512-password',
};

/**
 * The PEM of the CA that signed the broker certificate: `KAFKA_CA_FILE`, or the file that
 * `scripts/services/kafka tls-ca` names. Throws, saying how to fix it, when there is none.
 */
export function readBrokerCa(): string {
  let file = process.env.KAFKA_CA_FILE;
  if (file === undefined || file === '') {
    try {
      file = execFileSync(SERVICE_SCRIPT, ['tls-ca'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }).trim();
    } catch (error) {
      const stderr = (error as { stderr?: unknown }).stderr;
      const why = typeof stderr === 'string' && stderr.trim() !== '' ? stderr.trim() : String(error);
      throw new Error(`No CA certificate of the test broker (${why}) — ${HOW_TO_START}.`);
    }
  }
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(
      `Cannot read the CA certificate ${file} (${error instanceof Error ? error.message : String(error)}) — ${HOW_TO_START}.`,
    );
  }
}

/**
 * Fails — never skips — unless a kafkajs client with `security` (the right credentials) can
 * talk to the listener `name` at `brokers`.
 */
export function requireListener(
  name: string,
  brokers: readonly string[],
  security: Pick<KafkaConfig, 'ssl' | 'sasl'>,
): Promise<void> {
  return probeListener(`working Kafka ${name} listener`, brokers, security, HOW_TO_START);
}
