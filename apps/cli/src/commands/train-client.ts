// The CLI's clients of the training and registry services: addresses from the variables the services
// read (KEEL_TRAINING_ADDRESS / KEEL_REGISTRY_ADDRESS, else 127.0.0.1 on the default or configured
// port); gRPC errors become messages naming the field, exit code 2 for bad arguments, 1 otherwise.
import type { ServiceError } from '@grpc/grpc-js';
import { registryClients, trainingClients, type RegistryClients, type TrainingClients } from '@keel/clients';
import { DEFAULT_SERVICE_PORTS } from '@keel/contracts';
import { CliError } from './monitoring-client';

export function trainingAddress(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env['KEEL_TRAINING_ADDRESS'] ?? `127.0.0.1:${env['KEEL_TRAINING_GRPC_PORT'] ?? DEFAULT_SERVICE_PORTS.training.grpc}`
  );
}

export function registryAddress(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env['KEEL_REGISTRY_ADDRESS'] ?? `127.0.0.1:${env['KEEL_REGISTRY_GRPC_PORT'] ?? DEFAULT_SERVICE_PORTS.registry.grpc}`
  );
}

/** A gRPC failure as a CLI error: INVALID_ARGUMENT (with its keel-field) exits 2. */
export function cliError(err: unknown, service: string, address: string): CliError {
  const e = err as ServiceError;
  if (typeof e.code !== 'number') return new CliError((err as Error).message, 1);
  const field = e.metadata?.get('keel-field')?.[0];
  const detail = e.details || e.message;
  if (e.code === 3) return new CliError(field ? `${field}: ${detail}` : detail, 2);
  if (e.code === 14) return new CliError(`the ${service} service is not reachable at ${address} (${detail})`, 1);
  // UNAUTHENTICATED, PERMISSION_DENIED: say which variable carries the token.
  if (e.code === 16 || e.code === 7) return new CliError(`${detail} (the CLI sends KEEL_TOKEN)`, 1);
  return new CliError(detail, 1);
}

export async function withTraining<T>(fn: (c: TrainingClients) => Promise<T>): Promise<T> {
  const address = trainingAddress();
  const c = trainingClients(address);
  try {
    return await fn(c);
  } catch (err) {
    throw cliError(err, 'training', address);
  } finally {
    c.close();
  }
}

export async function withRegistry<T>(fn: (c: RegistryClients) => Promise<T>): Promise<T> {
  const address = registryAddress();
  const c = registryClients(address);
  try {
    return await fn(c);
  } catch (err) {
    throw cliError(err, 'registry', address);
  } finally {
    c.close();
  }
}
