// Stylesheets imported for their side effect; esbuild bundles them into ide.css.
declare module '*.css';
