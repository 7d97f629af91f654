export {
  getSuite,
  sm2PublicKeyHex,
  sm2PublicKeyPem,
  SM2_USER_ID,
  type CryptoSuite,
  type SigningKey,
  type SuiteName,
} from './suite.js';
export { fieldCipher, sm4Block, SealBroken, type FieldCipher } from './field-cipher.js';
export { NONCE_BYTES } from './gcm.js';
