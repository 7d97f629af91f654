/** Vite's `?url` import: the URL of a file the build copies beside the app, with its hash in the name. */
declare module '*?url' {
  const url: string;
  export default url;
}
