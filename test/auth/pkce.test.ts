import { describe, expect, it } from 'vitest';
import { createState, createVerifier, s256Challenge } from '../../src/auth/pkce.js';

describe('PKCE', () => {
  it('computes the RFC 7636 appendix B challenge', () => {
    expect(s256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes 43-character base64url verifiers and distinct states', () => {
    const verifier = createVerifier();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(createVerifier()).not.toBe(verifier);
    expect(s256Challenge(verifier)).not.toBe(verifier);
    const state = createState();
    expect(state).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(createState()).not.toBe(state);
  });
});
