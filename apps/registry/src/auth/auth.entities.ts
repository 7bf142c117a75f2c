import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber, jsonText } from '@keel/persistence';

/** A bearer token: only the sha256 of its secret is stored. */
@Entity({ name: 'auth_tokens' })
export class TokenRow {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 63, unique: true })
  name!: string;

  @Column({ name: 'secret_sha256', type: 'varchar', length: 64, unique: true })
  secretSha256!: string;

  @Column({ type: 'text', transformer: jsonText<string[]>() })
  scopes!: string[];

  @Column({ name: 'created_by', type: 'varchar', length: 63 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  /** 0: never expires. */
  @Column({ name: 'expires_at', type: 'bigint', transformer: bigintNumber })
  expiresAt!: number;

  /** 0: not revoked. */
  @Column({ name: 'revoked_at', type: 'bigint', transformer: bigintNumber })
  revokedAt!: number;
}
