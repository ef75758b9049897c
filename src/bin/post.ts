// Not through pipeline/index.js: the post bundle holds the restore path only, not the pipeline.
import { runPost } from '../pipeline/post.js'

void runPost()
