import { runPost } from '../pipeline/post.js'

void runPost()
