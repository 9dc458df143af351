// Vite's ?raw imports: a file's text (the catalogue test reads index.html so).
declare module "*?raw" {
  const text: string;
  export default text;
}
