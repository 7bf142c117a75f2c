// When a window result opens, repeats, suppresses or resolves an alert. One open alert per model, version
// and kind: a breaching window while it is open is folded into it and re-sent at most once per cooldown
// (Alertmanager's repeat interval); the first window back to normal resolves it.
export type AlertKind = 'drift' | 'performance';
export type AlertStatus = 'firing' | 'resolved';
export type AlertSeverity = 'warning' | 'critical';

export interface OpenAlertState {
  id: string;
  lastNotifiedAt: number;
}

export type AlertDecision =
  | { action: 'fire' }
  | { action: 'repeat'; id: string }
  | { action: 'suppress'; id: string }
  | { action: 'resolve'; id: string }
  | { action: 'none' };

export function decideAlert(
  open: OpenAlertState | null,
  breached: boolean,
  now: number,
  cooldownMs: number,
): AlertDecision {
  if (breached) {
    if (!open) return { action: 'fire' };
    return now - open.lastNotifiedAt >= cooldownMs
      ? { action: 'repeat', id: open.id }
      : { action: 'suppress', id: open.id };
  }
  return open ? { action: 'resolve', id: open.id } : { action: 'none' };
}
