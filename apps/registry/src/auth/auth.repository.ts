import { Inject, Injectable } from '@nestjs/common';
import { DATA_SOURCE } from '@keel/runtime';
import type { DataSource } from 'typeorm';
import { writeTransaction } from '@keel/persistence';
import { TokenRow } from './auth.entities';

@Injectable()
export class AuthRepository {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async insert(row: TokenRow): Promise<void> {
    await writeTransaction(this.dataSource, (m) => m.getRepository(TokenRow).insert(row));
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

  async update(id: string, change: Partial<Pick<TokenRow, 'revokedAt' | 'secretSha256' | 'scopes'>>): Promise<void> {
    await writeTransaction(this.dataSource, (m) => m.getRepository(TokenRow).update({ id }, change));
  }
}
