import { describe, expect, it } from '@jest/globals';
import { ConfigValidationError, loadConfig } from '@switchyard/core';

describe('credits configuration', () => {
  it('has defaults', () => {
    expect(loadConfig({}).credits).toEqual({
      signupCredits: 1_000_000n,
      reservationTtlSeconds: 600,
      chargeWithoutHold: true,
      sweepIntervalSeconds: 60,
      usageRetentionDays: 0,
    });
  });

  it('reads SIGNUP_CREDITS as exact credits', () => {
    expect(loadConfig({ SIGNUP_CREDITS: '2.5' }).credits.signupCredits).toBe(2_500_000n);
    expect(loadConfig({ SIGNUP_CREDITS: '0' }).credits.signupCredits).toBe(0n);
    expect(loadConfig({ SIGNUP_CREDITS: '0.000001' }).credits.signupCredits).toBe(1n);
  });

  it.each([
    ['SIGNUP_CREDITS', '-1'],
    ['SIGNUP_CREDITS', '1.0000001'],
    ['SIGNUP_CREDITS', 'lots'],
    ['RESERVATION_TTL_SECONDS', '0'],
    ['CREDITS_SWEEP_INTERVAL_SECONDS', 'often'],
    ['CREDITS_CHARGE_WITHOUT_HOLD', 'sometimes'],
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
