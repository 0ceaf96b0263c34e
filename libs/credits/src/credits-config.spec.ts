import { describe, expect, it } from '@jest/globals';
import { ConfigValidationError, loadConfig } from '@switchyard/core';

describe('credits configuration', () => {
  it('has defaults', () => {
    expect(loadConfig({}).credits).toEqual({
      signupCredits: 1_000_000n,
      reservationTtlSeconds: 600,
      chargeWithoutHold: true,
      synchronousCommit: true,
      sweepIntervalSeconds: 60,
      usageRetentionDays: 0,
    });
  });

  it('reads SIGNUP_CREDITS as exact credits', () => {
    expect(loadConfig({ SIGNUP_CREDITS: '2.5' }).credits.signupCredits).toBe(2_500_000n);
    expect(loadConfig({ SIGNUP_CREDITS: '0' }).credits.signupCredits).toBe(0n);
    expect(loadConfig({ SIGNUP_CREDITS: '0.000001' }).credits.signupCredits).toBe(1n);
  });

  it('reads CREDITS_SYNCHRONOUS_COMMIT as on or off', () => {
    expect(loadConfig({ CREDITS_SYNCHRONOUS_COMMIT: 'off' }).credits.synchronousCommit).toBe(false);
    expect(loadConfig({ CREDITS_SYNCHRONOUS_COMMIT: 'on' }).credits.synchronousCommit).toBe(true);
  });

  it.each([
    ['SIGNUP_CREDITS', '-1'],
    ['SIGNUP_CREDITS', '1.0000001'],
    ['SIGNUP_CREDITS', 'lots'],
    ['RESERVATION_TTL_SECONDS', '0'],
    ['CREDITS_SWEEP_INTERVAL_SECONDS', 'often'],
    ['CREDITS_CHARGE_WITHOUT_HOLD', 'sometimes'],
    ['CREDITS_SYNCHRONOUS_COMMIT', 'false'],
    ['CREDITS_SYNCHRONOUS_COMMIT', 'remote_apply'],
  ])('refuses %s=%s, naming it', (name, value) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).problems).toEqual([expect.stringContaining(`${name} `)]);
  });
});
