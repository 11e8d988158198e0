// Types of payloads.mjs for the type-checked tests (test/bench/).
export function crcToken(): string;
export function eventBody(bytes?: number): Buffer;
export function signature(secret: string, body: Buffer | string): string;
export function streamRecord(bytes?: number): string;
