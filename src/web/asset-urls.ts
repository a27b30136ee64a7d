/** The hashed URLs of the assets, set once when the web plugin starts (templates read them). */
let urls: Readonly<Record<string, string>> = {};

export function setAssetUrls(value: Readonly<Record<string, string>>): void {
  urls = value;
}

/** `/assets/app.<hash>.css` for `app.css`; '' before the web plugin has loaded the assets. */
export function assetUrl(name: string): string {
  return urls[name] ?? '';
}
