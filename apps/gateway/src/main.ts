import { hello } from '@switchyard/core';
console.log(hello);
