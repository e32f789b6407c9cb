__briefgenSearch("manifest",{"documents":28,"perShard":16,"minWord":2,"shards":[["",4679]]});
