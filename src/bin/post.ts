import { runPost } from '../post.js'

void runPost()
