// The root entry `xcli`: the webhook library, as `xcli/webhooks` (the lean entry) exports it.
export * from './webhooks.js';
