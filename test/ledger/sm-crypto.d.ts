declare module 'sm-crypto' {
  const smCrypto: {
    sm2: {
      doVerifySignature(
        msg: string,
        signHex: string,
        publicKey: string,
        options?: { der?: boolean; hash?: boolean; userId?: string },
      ): boolean;
      doSignature(
        msg: string,
        privateKey: string,
        options?: { der?: boolean; hash?: boolean; userId?: string },
      ): string;
      generateKeyPairHex(): { privateKey: string; publicKey: string };
    };
    sm3(input: string): string;
  };
  export default smCrypto;
}
