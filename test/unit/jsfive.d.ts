declare module 'jsfive';
