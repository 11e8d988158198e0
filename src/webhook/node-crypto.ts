// The handler's HMAC on Node: node:crypto, synchronous, so CRC answers go out in the same tick.
import { crcResponseToken } from './crc.js';
import type { WebhookCrypto } from './protocol.js';
import { signBody } from './signature.js';

export const nodeCrypto: WebhookCrypto = { crcToken: crcResponseToken, signBody };
