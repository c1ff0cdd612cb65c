// The data sets in the browser, bundled at build time and handed to the pure provider of
// src/problems/data.ts (Node reads the same files in src/node/datasets.ts). Importing this
// module once, before any network problem is built, is all the page needs.
import irisText from '../data/iris.csv?raw';
import breastCancerText from '../data/breast_cancer.csv?raw';
import { provideDatasetText } from '../src/problems/data.js';

provideDatasetText('iris', irisText);
provideDatasetText('breast-cancer', breastCancerText);
