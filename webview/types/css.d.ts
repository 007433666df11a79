/** Stylesheets imported as text (esbuild's `text` loader): the notebook renderer inlines media/report.css. */
declare module '*.css' {
  const text: string;
  export default text;
}
