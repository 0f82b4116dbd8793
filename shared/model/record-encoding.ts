/**
 * How records' bytes are written in JSON, for produce, fetch and webhook payloads alike.
 * `json` (default): key and header values are UTF-8 strings and the value is any JSON
 * document; `string`: all UTF-8 strings; `base64`: all base64 (standard alphabet, padded)
 * for arbitrary bytes.
 */
export type RecordEncoding = 'json' | 'string' | 'base64';
