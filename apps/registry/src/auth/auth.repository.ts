import { Inject, Injectable } from '@nestjs/common';
import { DATA_SOURCE } from '@keel/runtime';
import type { DataSource, EntityManager } from 'typeorm';
import { writeTransaction } from '@keel/persistence';
import { TokenRow } from './auth.entities';

/** More work for the same transaction (the audit entry of the change). */
export type AlsoInTransaction = (m: EntityManager) => Promise<unknown>;

@Injectable()
export class AuthRepository {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async insert(row: TokenRow, also?: AlsoInTransaction): Promise<void> {
    await writeTransaction(this.dataSource, async (m) => {
      await m.getRepository(TokenRow).insert(row);
      await also?.(m);
    });
  }

  findBySecret(secretSha256: string): Promise<TokenRow | null> {
    return this.dataSource.getRepository(TokenRow).findOneBy({ secretSha256 });
  }

  findByName(name: string): Promise<TokenRow | null> {
    return this.dataSource.getRepository(TokenRow).findOneBy({ name });
  }

  findById(id: string): Promise<TokenRow | null> {
    return this.dataSource.getRepository(TokenRow).findOneBy({ id });
  }

  list(): Promise<TokenRow[]> {
    return this.dataSource.getRepository(TokenRow).find({ order: { createdAt: 'ASC', name: 'ASC' } });
  }

  async update(
    id: string,
    change: Partial<Pick<TokenRow, 'revokedAt' | 'secretSha256' | 'scopes'>>,
    also?: AlsoInTransaction,
  ): Promise<void> {
    await writeTransaction(this.dataSource, async (m) => {
      await m.getRepository(TokenRow).update({ id }, change);
      await also?.(m);
    });
  }
}
